import { Controller, Get, Headers, NotFoundException, Res } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/**
 * Where `pnpm build` puts the widget bundle (apps/widget/build.mjs), relative to this file in
 * services/gateway/dist/widget/. Read on each request that finds no cached copy, so a rebuilt
 * widget is served after a restart and a missing one answers 404 instead of failing the boot.
 */
const BUNDLE_DIR = new URL('../../../../apps/widget/dist/', import.meta.url);

interface Bundle {
  plain: Buffer;
  gzip: Buffer;
}

/**
 * `GET /widget/livedesk.js`: the embeddable widget (docs/protocol.md, "The widget"). A page on any
 * origin may load it with a script tag (no CORS needed for that); what the page may then do is
 * decided at the token endpoint by the organization's `allowed_origins`. Served gzipped to
 * browsers that accept it: the widget's first load is measured compressed (bench/RESULTS.md).
 */
@Controller('widget')
export class WidgetController {
  private bundle: Promise<Bundle> | undefined;

  @Get('livedesk.js')
  async script(
    @Headers('accept-encoding') acceptEncoding: string | undefined,
    @Res() response: ServerResponse,
  ): Promise<void> {
    const bundle = await this.load();
    const gzip = /\bgzip\b/.test(acceptEncoding ?? '');
    const body = gzip ? bundle.gzip : bundle.plain;
    response.statusCode = 200;
    response.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    response.setHeader('Cache-Control', 'public, max-age=300');
    response.setHeader('Vary', 'Accept-Encoding');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (gzip) response.setHeader('Content-Encoding', 'gzip');
    response.setHeader('Content-Length', String(body.length));
    response.end(body);
  }

  private load(): Promise<Bundle> {
    this.bundle ??= Promise.all([
      readFile(new URL('livedesk.js', BUNDLE_DIR)),
      readFile(new URL('livedesk.js.gz', BUNDLE_DIR)),
    ]).then(
      ([plain, gzip]) => ({ plain, gzip }),
      () => {
        this.bundle = undefined;
        throw new NotFoundException('the widget is not built (pnpm build)');
      },
    );
    return this.bundle;
  }
}
