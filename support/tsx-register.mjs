// Lets cucumber import the TypeScript steps and support files (cucumber-js docs, transpiling.md).
import { register } from 'tsx/esm/api';
register();
