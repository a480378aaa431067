import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AttachmentStorage } from './attachment-storage.js';

/**
 * Attachments as files under one directory (the default; a volume in production with one
 * replica, or a shared filesystem with several). A file is written beside its place and renamed
 * into it, so a reader never sees half of one.
 */
export class LocalDiskStorage implements AttachmentStorage {
  private readonly root: string;

  constructor(directory: string) {
    this.root = resolve(directory);
  }

  async put(key: string, content: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${randomUUID()}.partial`;
    await writeFile(partial, content);
    await rename(partial, path);
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  describe(): string {
    return `local:${this.root}`;
  }

  /** Keys are ours, but a key that climbed out of the root would be a bug worth stopping at. */
  private pathOf(key: string): string {
    const path = resolve(join(this.root, key));
    if (!path.startsWith(this.root + sep)) throw new Error(`attachment key ${key} leaves the storage directory`);
    return path;
  }
}
