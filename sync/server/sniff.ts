import { fileTypeFromBuffer } from 'file-type';

/** Enough leading bytes for file-type to tell JPEG, PNG, WebP and MP4 apart. */
export const SNIFF_BYTES = 4100;

/**
 * The type of an attachment by its content (magic bytes, the file-type package), never by the
 * name or Content-Type the client gave: undefined when file-type does not recognise it.
 */
export async function sniffMime(head: Buffer): Promise<string | undefined> {
  return (await fileTypeFromBuffer(head))?.mime;
}
