import { describe, expect, it } from "vitest";
import { decideRange } from "../../../worker/lib/http-range";

const SIZE = 1000;

describe("decideRange", () => {
  it.each([
    ["bytes=0-99", { kind: "partial", offset: 0, length: 100, end: 99 }],
    ["bytes=990-", { kind: "partial", offset: 990, length: 10, end: 999 }],
    ["bytes=-10", { kind: "partial", offset: 990, length: 10, end: 999 }],
    ["bytes=-5000", { kind: "partial", offset: 0, length: 1000, end: 999 }],
    ["bytes=900-5000", { kind: "partial", offset: 900, length: 100, end: 999 }],
    ["bytes=999-999", { kind: "partial", offset: 999, length: 1, end: 999 }],
    [" bytes=0-0 ", { kind: "partial", offset: 0, length: 1, end: 0 }],
  ])("should serve %s as a partial range", (header, expected) => {
    expect(decideRange(header, SIZE)).toEqual(expected);
  });

  it.each(["bytes=1000-", "bytes=5000-6000", "bytes=-0"])("should refuse %s as unsatisfiable", (header) => {
    expect(decideRange(header, SIZE)).toEqual({ kind: "unsatisfiable" });
  });

  it.each([
    [null],
    [""],
    ["bytes=0-1,5-9"],
    ["bytes=abc"],
    ["items=0-9"],
    ["bytes=-"],
    ["bytes=9-3"],
    ["bytes=1-2-3"],
    ["bytes=99999999999999999999-"],
  ])("should ignore %s and serve the whole file", (header) => {
    expect(decideRange(header, SIZE)).toEqual({ kind: "full" });
  });

  it("should treat any range of an empty file as unsatisfiable", () => {
    expect(decideRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
    expect(decideRange("bytes=-1", 0)).toEqual({ kind: "unsatisfiable" });
  });
});
