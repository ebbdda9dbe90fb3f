// node mermaid_check.mjs NODE_MODULES FILE...
// Parses Mermaid files with Mermaid itself (mermaid.parse), offline: jsdom stands in for the
// browser DOM Mermaid's module needs at import. Prints "ok FILE TYPE" or "error FILE: MESSAGE"
// per file; exits 1 when any file does not parse. NODE_MODULES is where `make mermaid-tools`
// installed mermaid and jsdom (build/tools/mermaid/node_modules).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [given, ...files] = process.argv.slice(2);
const modules = resolve(given);
const { JSDOM } = createRequire(join(modules, 'noop.js'))('jsdom');

const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const name of ['Element', 'HTMLElement', 'Node', 'DOMParser', 'SVGElement', 'MutationObserver']) {
  if (!(name in globalThis)) globalThis[name] = dom.window[name];
}
const entry = pathToFileURL(join(modules, 'mermaid', 'dist', 'mermaid.core.mjs')).href;
const { default: mermaid } = await import(entry);
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
let failed = 0;
for (const file of files) {
  try {
    const parsed = await mermaid.parse(readFileSync(file, 'utf8'));
    console.log(`ok ${file} ${parsed.diagramType}`);
  } catch (error) {
    failed += 1;
    console.log(`error ${file}: ${String(error.message || error).split('\n').join(' / ')}`);
  }
}
process.exit(failed ? 1 : 0);
