import { component$ } from '@builder.io/qwik';
import { QwikCityProvider, RouterOutlet, useDocumentHead } from '@builder.io/qwik-city';
import './global.css';

const Head = component$(() => {
  const head = useDocumentHead();
  return (
    <>
      <title>{head.title ? `${head.title} · Berth` : 'Berth'}</title>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    </>
  );
});

export default component$(() => (
  <QwikCityProvider>
    <head>
      <Head />
    </head>
    <body>
      <RouterOutlet />
    </body>
  </QwikCityProvider>
));
