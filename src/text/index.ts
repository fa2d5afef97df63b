// What people read, in one place that channels, staff commands and jobs may all import: messages
// split to fit a chat, the zone wording, and the deep links printed on posters and in invitations.
export { MESSAGE_LIMIT, splitMessage, ZONE_MARKS, zoneWords } from './messages.js';
export { telegramStartLink } from './links.js';
export { cleanText, clip, pgJson } from './clean.js';
