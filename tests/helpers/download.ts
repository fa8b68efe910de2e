// Files from the portal (PDF, Word, CSV) with their bodies as bytes, and the text inside them.
import { execFileSync } from "node:child_process";
import { parse } from "csv-parse/sync";
import { strFromU8, unzipSync } from "fflate";
import type request from "supertest";

/** GETs a file, with its body as a Buffer. */
export function download(agent: { get(url: string): request.Test }, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done(null, Buffer.concat(chunks)));
    });
}

/** A PDF's text with white space folded, read by poppler's pdftotext (Debian's poppler-utils, installed by .ci/run). */
export function pdfText(pdf: Buffer): string {
  return execFileSync("pdftotext", ["-", "-"], { input: pdf }).toString("utf8").replace(/\s+/g, " ");
}

/** A zip file's (a Word file's) parts by name, as text. */
export function unzip(body: Buffer) {
  const files = unzipSync(new Uint8Array(body));
  return (name: string) => strFromU8(files[name]!);
}

/** Word's paragraphs in order, each with its style and text. */
export function wordParagraphs(xml: string) {
  const unescape = (s: string) =>
    s
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, "&");
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => ({
    style: /<w:pStyle w:val="([^"]+)"\/>/.exec(p)?.[1] ?? "",
    text: unescape([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join("")),
  }));
}

/** A CSV download's rows, by column name. */
export const parseCsv = (body: Buffer) =>
  parse(body, { bom: true, columns: true, relax_column_count: false }) as Record<string, string>[];
