import { build } from 'esbuild';
import { HANDLER_BUILD_OPTIONS } from './handler-bundling.mjs';
const [h, depth] = [process.argv[2], Number(process.argv[3] ?? 1)];
const r = await build({ ...HANDLER_BUILD_OPTIONS, entryPoints: [`lambda/${h}.ts`], write: false, metafile: true, outfile: '/tmp/x.js', logLevel: 'error' });
const out = Object.values(r.metafile.outputs)[0];
const by = {};
for (const [f, v] of Object.entries(out.inputs)) {
  const m = f.match(/node_modules\/((@[^/]+\/)?[^/]+)((\/[^/]+){0,DEPTH})/.source.replace('DEPTH', depth)); const k = m ? m[0].replace('node_modules/','') : f.split('/').slice(0,2).join('/');
  by[k] = (by[k]||0) + v.bytesInOutput;
}
console.log(h, out.bytes);
console.log(Object.entries(by).sort((a,b)=>b[1]-a[1]).slice(0,Number(process.argv[4] ?? 30)).map(([k,v])=>`  ${(v/1024).toFixed(1)} KB ${k}`).join('\n'));
