// The public site's facts: phone numbers as people read and dial them, and map links built from an
// address.
import { describe, expect, it } from "vitest";
import { contacts, mapLink, phone } from "../../src/content/contacts.ts";

describe("phone", () => {
  it("keeps a number on one line and dials its digits", () => {
    expect(phone(" 0800 40 50 40 ")).toEqual({ display: "0800\u00a040\u00a050\u00a040", tel: "0800405040" });
    expect(contacts.britishTransportPolice.text).toEqual({ display: "61016", tel: "61016" });
  });
});

describe("mapLink", () => {
  it("searches OpenStreetMap for the whole address, encoded", () => {
    expect(mapLink("37 Old Church Road", "Clevedon", "BS21 6NN")).toBe(
      "https://www.openstreetmap.org/search?query=37%20Old%20Church%20Road%2C%20Clevedon%2C%20BS21%206NN",
    );
  });

  it("leaves out empty parts and tidies spaces and new lines", () => {
    expect(mapLink(" Town Hall\n Walliscote Grove Road ", "", null, undefined, "BS23 1UJ")).toBe(
      `https://www.openstreetmap.org/search?query=${encodeURIComponent("Town Hall Walliscote Grove Road, BS23 1UJ")}`,
    );
  });

  it("cannot be turned into another address or a script by what an address says", () => {
    const url = new URL(mapLink(`"><script>alert(1)</script>`, "&query=elsewhere#x", "javascript:alert(1)"));
    expect(url.origin).toBe("https://www.openstreetmap.org");
    expect([...url.searchParams.keys()]).toEqual(["query"]);
    expect(url.searchParams.get("query")).toBe(`"><script>alert(1)</script>, &query=elsewhere#x, javascript:alert(1)`);
    expect(url.hash).toBe("");
  });
});
