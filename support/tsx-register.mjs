// Lets cucumber import the TypeScript steps and support files (cucumber-js docs, transpiling.md).
//
// The packages the support code uses are imported first, before tsx's hooks exist: they need no
// transpiling, and through the hooks they cost each cucumber process (the coordinator and every
// worker) about 0.4 s of CPU more: libxml2-wasm's 960 KB module alone loads in 0.28 s through
// them, in 0.03 s without. Loaded here, the support code's imports of them find them loaded. A
// package the support code imports that is not named here still works, only slower.
import { register } from 'tsx/esm/api';

await Promise.all(
  ['zod', 'p-timeout', 'saxes', 'allure-js-commons', 'allure-js-commons/sdk/reporter', 'allure-cucumberjs', 'allure-cucumberjs/reporter', '@cucumber/messages', 'libxml2-wasm'].map((m) => import(m)),
);
register();
