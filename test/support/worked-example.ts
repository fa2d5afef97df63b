// The worked example of the scoring rules: six responses (U1..U9) giving NRR 3.333 3.167 2.833 3.167 3.500
// 3.667 3.833 3.167 3.000 and IKM 82.41 → B, Baik (82.33 with the 0.111 weight).
export const WORKED_EXAMPLE: readonly (readonly number[])[] = [
  [4, 3, 3, 2, 4, 4, 4, 3, 3],
  [3, 3, 2, 1, 3, 4, 4, 3, 2],
  [4, 4, 3, 4, 4, 3, 4, 4, 3],
  [2, 3, 3, 4, 3, 3, 3, 2, 3],
  [3, 2, 2, 4, 3, 4, 4, 3, 3],
  [4, 4, 4, 4, 4, 4, 4, 4, 4],
];
