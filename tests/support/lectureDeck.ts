/**
 * A small valid PDF whose pages carry known text: a title in large type and
 * body lines in smaller type below it, so a test can check what is read back
 * from each page (pdf.js text content) and what a chapter is called.
 */
export function makeLectureDeck(pages: { title: string; lines?: string[] }[]): Uint8Array {
  const objects: string[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pages.map((_, i) => `${4 + i * 2} 0 R`).join(" ")}] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  const literal = (text: string) => `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  pages.forEach((page, i) => {
    // Body lines first in the stream, so the title is found by size, not by order.
    const body = (page.lines ?? [])
      .map((line, n) => `BT /F1 20 Tf 60 ${300 - n * 30} Td ${literal(line)} Tj ET`)
      .join(" ");
    const text = `${body} BT /F1 40 Tf 60 440 Td ${literal(page.title)} Tj ET`;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 960 540] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
      `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    );
  });
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}
