import { z } from 'zod';

// zod 4 compiles object parsers with `new Function` when it may, and probes for that by trying
// it. The UI's Content-Security-Policy forbids eval, so the probe alone is a reported
// violation: tell zod up front to parse without compiling. Imported first by every UI module
// that parses.
z.config({ jitless: true });
