import { notFound } from 'next/navigation';

// Any path that is no page renders the localized 404 of this layout.
export default function CatchAll() {
  notFound();
}
