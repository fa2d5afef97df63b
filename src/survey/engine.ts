// The conversation engine's public face: the engine itself lives in ./engine/ (see its index.ts);
// callers keep importing from here.
export { step, initialState, inSurvey, unitCodeFrom, unitCodeWanted, ageBand, GENDERS, AGE_BANDS, EDUCATIONS, OCCUPATIONS } from './engine/index.js';
