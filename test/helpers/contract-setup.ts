// Runs in every test file (vitest setupFiles): the file fails if any response its apps sent did not match
// the OpenAPI document (test/helpers/openapi-contract.ts).
import { afterAll, expect } from 'vitest';
import { takeContractViolations } from './openapi-contract.js';

afterAll(() => {
  const violations = takeContractViolations();
  // One line per distinct problem, with the first request that showed it.
  const distinct = [...new Map(violations.map((v) => [v.problem.replace(/ — body .*/, ''), `${v.method} ${v.url.split('?')[0]} → ${v.problem}`])).values()];
  expect(distinct, 'responses that do not match the OpenAPI document').toEqual([]);
});
