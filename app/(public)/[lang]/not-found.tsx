import Link from 'next/link';
import { SiteFooter, SiteHeader } from '@/components/site-header';
import { messages } from '@/lib/i18n/messages';

// not-found receives no params; both languages are shown so the page helps either reader.
export default function NotFound() {
  const ja = messages('ja');
  const en = messages('en');
  return (
    <>
      {/* not-found has no metadata of its own; React places this title in the head. */}
      <title>{`${ja.notFoundTitle} / ${en.notFoundTitle}`}</title>
      <SiteHeader lang="ja" path="/" />
      <main id="main" className="page not-found">
        <h1>
          {ja.notFoundTitle} <span lang="en">/ {en.notFoundTitle}</span>
        </h1>
        <p>{ja.notFoundBody}</p>
        <p lang="en">{en.notFoundBody}</p>
        <p>
          <Link href="/">{ja.backToStatus}</Link> · <Link href="/en" lang="en">{en.backToStatus}</Link>
        </p>
      </main>
      <SiteFooter lang="ja" />
    </>
  );
}
