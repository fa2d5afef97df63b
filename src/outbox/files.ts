// The files of photo rows (OutboxFile): read once and kept in a small cache, uploaded by one send
// at a time per file, and on Telegram sent again by the file_id its first upload got (stored with
// the file, so a restart or another instance reuses it too). WhatsApp has no reusable media ids:
// its photos always go as bytes.
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import { type OutboxChannel, OutboxSendError, type PhotoSource } from './transport.js';

/** The fields of an outbox row the files need. */
export interface FileRow {
  id: bigint;
  channel: OutboxChannel;
  fileId: number | null;
}

/** What to send for a photo row; `release` lets the next send of the same file go. */
export interface PhotoToSend {
  source: PhotoSource;
  release?: () => void;
}

interface CachedFile {
  filename: string;
  contentType: string;
  telegramFileId: string | null;
  content: Buffer | null;
}

const FILE_CACHE_SIZE = 32;

export class OutboxFiles {
  private readonly files = new Map<number, CachedFile>();
  private readonly uploads = new Map<number, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /**
   * What to send for a photo row: the channel's file id once an earlier send uploaded the file,
   * otherwise the bytes. Only one send uploads a given file at a time; the others wait for it and
   * then use its file id.
   */
  async photoFor(row: FileRow): Promise<PhotoToSend> {
    if (row.fileId === null) throw new OutboxSendError({ kind: 'permanent', description: 'photo row without a file' });
    const fileId = row.fileId;
    for (;;) {
      const file = await this.loadFile(fileId);
      const reusable = row.channel === 'telegram' ? file.telegramFileId : null;
      if (reusable) return { source: { fileId: reusable } };
      const upload = this.uploads.get(fileId);
      if (upload) {
        await upload;
        continue;
      }
      let release!: () => void;
      this.uploads.set(fileId, new Promise<void>((resolve) => (release = resolve)));
      const done = () => {
        this.uploads.delete(fileId);
        release();
      };
      try {
        const content = file.content ?? (await this.loadContent(fileId));
        return { source: { filename: file.filename, content, contentType: file.contentType }, release: done };
      } catch (error) {
        done();
        throw error;
      }
    }
  }

  private async loadFile(fileId: number): Promise<CachedFile> {
    const cached = this.files.get(fileId);
    if (cached) return cached;
    const row = await this.db.outboxFile.findUnique({ where: { id: fileId }, select: { filename: true, contentType: true, telegramFileId: true } });
    if (!row) throw new OutboxSendError({ kind: 'permanent', description: `outbox file ${fileId} is missing` });
    const file: CachedFile = { ...row, content: null };
    this.files.set(fileId, file);
    if (this.files.size > FILE_CACHE_SIZE) this.files.delete(this.files.keys().next().value!);
    return file;
  }

  private async loadContent(fileId: number): Promise<Buffer> {
    const row = await this.db.outboxFile.findUnique({ where: { id: fileId }, select: { content: true } });
    if (!row) throw new OutboxSendError({ kind: 'permanent', description: `outbox file ${fileId} is missing` });
    const content = Buffer.from(row.content);
    const cached = this.files.get(fileId);
    if (cached) cached.content = content;
    return content;
  }

  async rememberFileId(row: FileRow, channelFileId: string): Promise<void> {
    if (row.channel !== 'telegram' || row.fileId === null) return;
    const cached = this.files.get(row.fileId);
    if (cached) {
      cached.telegramFileId = channelFileId;
      cached.content = null;
    }
    await this.db.outboxFile
      .update({ where: { id: row.fileId }, data: { telegramFileId: channelFileId } })
      .catch((error: unknown) =>
        this.log.warn({ err: error, outboxId: Number(row.id) }, 'outbox: could not store the file id; next send uploads again'),
      );
  }

  async forgetFileId(row: FileRow): Promise<void> {
    if (row.channel !== 'telegram' || row.fileId === null) return;
    const cached = this.files.get(row.fileId);
    if (cached) cached.telegramFileId = null;
    await this.db.outboxFile.update({ where: { id: row.fileId }, data: { telegramFileId: null } });
  }
}
