import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE } from './database.tokens.js';
import type { Database } from './create-database.js';

/** Ends the pool after the HTTP server and the command server stopped taking work. */
@Injectable()
export class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly database: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.database.destroy();
  }
}
