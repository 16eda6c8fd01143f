import { newAppNameProblem } from '../scripts/new-app';

/**
 * The first of base, base1, base2, … that `npm run new-app` takes in the repo at root: free of every app a
 * user added, and of every retired one whose appData note keeps its name.
 */
export function freeAppName(root: string, base: string): string {
  let problem: string | undefined;
  for (let i = 0; i < 100; i++) {
    const name = i === 0 ? base : `${base}${i}`;
    problem = newAppNameProblem(root, name);
    if (problem === undefined) return name;
  }
  throw new Error(`no name from "${base}" to "${base}99" is free in ${root}; the last: ${problem}`);
}
