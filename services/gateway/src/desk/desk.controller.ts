import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/** Where `pnpm build` puts the desk (apps/desk/build.mjs), relative to services/gateway/dist/desk/. */
const DESK_DIR = new URL('../../../../apps/desk/dist/', import.meta.url);

const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'desk.js': 'text/javascript; charset=utf-8',
} as const;

/**
 * `GET /desk/`: the agent desk, served from the gateway's own origin so its token request and
 * socket are accepted without listing an origin (docs/protocol.md, origins). Read from disk on each
 * request (small files), so a missing build answers 404 instead of failing the boot.
 */
@Controller('desk')
export class DeskController {
  @Get()
  async index(@Res() response: ServerResponse): Promise<void> {
    await this.serve('index.html', response);
  }

  @Get('desk.js')
  async script(@Res() response: ServerResponse): Promise<void> {
    await this.serve('desk.js', response);
  }

  private async serve(name: keyof typeof FILES, response: ServerResponse): Promise<void> {
    const body = await readFile(new URL(name, DESK_DIR)).catch(() => {
      throw new NotFoundException('the desk is not built (pnpm build)');
    });
    response.statusCode = 200;
    response.setHeader('Content-Type', FILES[name]);
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('X-Frame-Options', 'DENY');
    // Own scripts and sockets only; the page's one inline style block is its stylesheet. Images
    // are the agents' avatars, wherever they are hosted: https, or http on this machine, as
    // `avatar_url` allows (a CSP source cannot name [::1]).
    response.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: http://localhost:* http://127.0.0.1:*; connect-src 'self'; frame-ancestors 'none'",
    );
    response.setHeader('Content-Length', String(body.length));
    response.end(body);
  }
}
