// Allure's cucumber formatter (cucumber.mjs names this file), writing its results without a
// flush to disk per file. allure-js-commons' FileSystemWriter opens a temporary file, writes it,
// fsyncs it and renames it, for every result, container and attachment: run in the cucumber
// coordinator, whose event loop also hands the workers their scenarios, those synchronous calls
// held that loop 1.7 s of a 16 s run (open and fsync, measured with a CPU profile of the
// coordinator). The results are read only after the run, by the rendering, so a plain write is
// enough; what is written is the same.
import fs from 'node:fs';
import path from 'node:path';
import type { IFormatterOptions } from '@cucumber/cucumber';
import AllureReporter from 'allure-cucumberjs/reporter';
import { stringifyEnvInfo, type Writer } from 'allure-js-commons/sdk/reporter';

class ResultsWriter implements Writer {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }
  private write(name: string, data: string | Buffer): void {
    fs.writeFileSync(path.join(this.dir, name), data);
  }
  writeResult(r: { uuid: string }): void {
    this.write(`${r.uuid}-result.json`, JSON.stringify(r));
  }
  writeGroup(g: { uuid: string }): void {
    this.write(`${g.uuid}-container.json`, JSON.stringify(g));
  }
  writeAttachment(name: string, content: Buffer): void {
    this.write(name, content);
  }
  writeAttachmentFromPath(name: string, from: string): void {
    fs.copyFileSync(from, path.join(this.dir, name));
  }
  writeEnvironmentInfo(info: Parameters<Writer['writeEnvironmentInfo']>[0]): void {
    this.write('environment.properties', stringifyEnvInfo(info));
  }
  writeCategoriesDefinitions(categories: Parameters<Writer['writeCategoriesDefinitions']>[0]): void {
    this.write('categories.json', JSON.stringify(categories));
  }
  writeGlobals(name: string, info: Parameters<Writer['writeGlobals']>[1]): void {
    this.write(name, JSON.stringify(info));
  }
}

// the package's types are CommonJS ones; what an ES import loads is its ES build, whose default export is the class
const AllureCucumberReporter = AllureReporter as unknown as typeof AllureReporter.default;

export default class AllureFormatter extends AllureCucumberReporter {
  constructor(options: IFormatterOptions) {
    const own = options.parsedArgvOptions as { resultsDir?: string };
    // the options after `writer` in allure-cucumberjs's constructor are spread over it: this one wins
    super({ ...options, parsedArgvOptions: { ...own, writer: new ResultsWriter(own.resultsDir ?? 'allure-results') } });
  }
}
