import { configRefusals, stackValues } from "./stackValues";

/** The refusal messages of prod edited by `edit`. */
const refusals = (edit: (v: Values) => void) => configRefusals("prod", edit);

type Values = ReturnType<typeof stackValues>;
type QuotaRow = { subscription?: string; region: string };

const onlyInPrimary = (v: Values) => {
  v.overflowSubscriptions[0].regions = ["eastus2"];
  v.quota.declared = v.quota.declared.filter(
    (q: QuotaRow) => !(q.subscription === "sub-b" && q.region === "centralus"),
  );
};

describe("an overflow subscription that adds capacity only in the primary region", () => {
  test("is refused, naming its regions key and the opt-in", () => {
    expect(refusals(onlyInPrimary)).toEqual([
      "aoai-bcdr:overflowSubscriptions[0].regions: 'sub-b' adds capacity only in the primary region (eastus2): " +
        "losing eastus2 takes it with the primary's own accounts; list another region (e.g. the secondary, " +
        "centralus), or set overflowSubscriptions[0].allowPrimaryRegionOnly: true to accept it",
    ]);
  });

  test("is accepted when the stack opts in", () => {
    expect(
      refusals(v => {
        onlyInPrimary(v);
        v.overflowSubscriptions[0].allowPrimaryRegionOnly = true;
      }),
    ).toEqual([]);
  });

  test("is accepted in the secondary alone, or in both regions (prod)", () => {
    expect(refusals(() => undefined)).toEqual([]);
    expect(
      refusals(v => {
        v.overflowSubscriptions[0].regions = ["centralus"];
        v.quota.declared = v.quota.declared.filter(
          (q: QuotaRow) => !(q.subscription === "sub-b" && q.region === "eastus2"),
        );
      }),
    ).toEqual([]);
  });
});
