// Files from the portal (PDF, Word, CSV) with their bodies as bytes, and the text inside them.
import { execFileSync } from "node:child_process";
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
