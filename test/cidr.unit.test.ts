import { contains, hasHostBits, hostAddress, networkAddress, overlaps, parseCidr } from "../infra/cidr";

describe("CIDR arithmetic", () => {
  test("parses a range into its first and last address", () => {
    expect(parseCidr("10.40.0.0/22")).toEqual({
      first: 10 * 2 ** 24 + 40 * 2 ** 16,
      last: 10 * 2 ** 24 + 40 * 2 ** 16 + 1023,
      prefixLength: 22,
    });
    expect(parseCidr("10.40.1.7/32")).toMatchObject({ prefixLength: 32 });
    expect(parseCidr("10.40.1.7/32").first).toBe(parseCidr("10.40.1.7/32").last);
  });

  test("handles the top of the address space without sign trouble", () => {
    expect(parseCidr("255.255.255.0/24")).toEqual({ first: 2 ** 32 - 256, last: 2 ** 32 - 1, prefixLength: 24 });
    expect(parseCidr("0.0.0.0/0")).toEqual({ first: 0, last: 2 ** 32 - 1, prefixLength: 0 });
    expect(networkAddress("200.1.2.3/1")).toBe("128.0.0.0/1");
  });

  test("host bits: detected, and the network address offered instead", () => {
    expect(hasHostBits("10.40.0.0/22")).toBe(false);
    expect(hasHostBits("10.40.1.0/22")).toBe(true);
    expect(hasHostBits("10.40.1.9/32")).toBe(false);
    expect(networkAddress("10.40.3.255/22")).toBe("10.40.0.0/22");
  });

  test.each([
    ["10.40.0.0/22", "10.40.0.0/27", true],
    ["10.40.0.0/22", "10.40.3.192/26", true],
    ["10.40.0.0/22", "10.40.0.0/22", true],
    ["10.40.0.0/22", "10.40.4.0/27", false],
    ["10.40.0.0/22", "10.40.0.0/21", false],
    ["10.40.0.0/22", "10.39.255.0/24", false],
  ])("%s contains %s: %s", (outer, inner, expected) => {
    expect(contains(outer, inner)).toBe(expected);
  });

  test.each([
    ["10.40.0.0/22", "10.41.0.0/22", false],
    ["10.40.0.0/22", "10.40.3.0/24", true],
    ["10.40.0.0/16", "10.40.200.0/22", true],
    ["10.40.0.0/23", "10.40.2.0/23", false],
    ["10.40.0.0/24", "10.40.0.255/32", true],
    ["0.0.0.0/0", "192.168.0.0/16", true],
  ])("%s overlaps %s: %s (both ways)", (a, b, expected) => {
    expect(overlaps(a, b)).toBe(expected);
    expect(overlaps(b, a)).toBe(expected);
  });
});

test("hostAddress counts from the range's first address", () => {
  expect(hostAddress("10.40.1.0/26", 4)).toBe("10.40.1.4");
  expect(hostAddress("10.40.0.0/22", 260)).toBe("10.40.1.4");
});
