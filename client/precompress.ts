// Build-time compression of the client's files (a Vite plugin, client/vite.config.ts): each text asset gets a
// Brotli (.br) and a gzip (.gz) copy beside it, which the server sends to browsers that accept them
// (@fastify/static's preCompressed, server/plugins/static-client.ts). Members on slow connections download
// the ~450 KB bundle as ~120 KB, and the server compresses nothing per request.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Smaller files gain too little to be worth a second and third copy. */
const MIN_BYTES = 1024;
const TEXT_FILE = /\.(js|css|html|svg|json)$/;
// Brotli's quality 5: a few tenths of a second for the bundle, within 10 % of quality 11's size (which takes
// seconds, and the client is built on every newcomer's first start).
const BROTLI_QUALITY = 5;

export function precompress(): Plugin {
  return {
    name: 'stoa-precompress',
    apply: 'build',
    enforce: 'post',
    // Once the files are written: Vite still rewrites the CSS after generateBundle, so the copies are made from
    // the bytes the server will send.
    writeBundle(options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!TEXT_FILE.test(fileName)) continue;
        const path = join(options.dir!, fileName);
        const source = readFileSync(path);
        if (source.length < MIN_BYTES) continue;
        writeFileSync(`${path}.br`, brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: source.length } }));
        writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }));
      }
    },
  };
}
