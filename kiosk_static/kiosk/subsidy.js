/* Trade-in subsidy: price × rate for the energy class (the category's own rates, else the global ones),
   capped per item. Mirrors server/kiosk/subsidy.py so the calculator works offline; both run the same cases
   (tests/kiosk/subsidy_cases.json). */
const r2 = (x) => Math.round(x * 100) / 100;

export function rate(rules, catId, cls) {
  const cat = rules.categories.find((c) => c.id === catId);
  const table = cat && cat.rates ? cat.rates : rules.rates;
  return Number(table[String(cls)] || 0);
}

export function item(rules, catId, cls, price) {
  const cat = rules.categories.find((c) => c.id === catId);
  if (!cat || !(cls >= 1 && cls <= 5) || !(price > 0 && price <= 1e7)) return null;
  const rt = rate(rules, catId, cls);
  const raw = r2(price * rt);
  const amount = r2(Math.min(raw, cat.cap));
  return { category: cat.id, energy_class: cls, price: r2(price), rate: rt, cap: cat.cap, capped: raw > cat.cap,
           eligible: rt > 0, subsidy: amount, pay: r2(price - amount) };
}
