/** The media type of a Content-Type header, lower-cased and without parameters (`text/event-stream; charset=utf-8` → `text/event-stream`); undefined without a header. */
export function mediaTypeOf(contentType: string | null | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase();
}
