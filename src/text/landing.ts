// The address of a unit's landing page on the bot's own web server (`/u/<CODE>`, src/web/): the
// page a poster's QR code can lead to instead of one chat app, offering every configured channel.

export class LandingUrlError extends Error {
  override name = 'LandingUrlError';
}

/**
 * `<base>/u/<CODE>` for a base such as `https://skm.example.go.id` (or with a path prefix, when the
 * server sits behind one: `https://example.go.id/skm/`). Only http and https; a query or fragment
 * on the base is refused, since the code must be the last part of the path.
 */
export function landingUrl(base: string, unitCode: string): string {
  let url: URL;
  try {
    url = new URL(base.trim());
  } catch {
    throw new LandingUrlError(`"${base}" is not a web address: write it as https://skm.example.go.id`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new LandingUrlError(`"${base}" must start with https:// (or http://)`);
  if (url.search !== '' || url.hash !== '') throw new LandingUrlError(`"${base}" must not have a ? query or # part`);
  if (!/^[A-Z0-9-]{1,20}$/.test(unitCode)) throw new LandingUrlError(`unit code ${JSON.stringify(unitCode)} is not valid`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/u/${unitCode}`;
}
