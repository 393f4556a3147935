// One lint config for every workspace.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/migrations/**', '**/.wrangler/**', '**/worker-configuration.d.ts', 'web/**/.qwik/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "TSAsExpression > CallExpression[callee.object.name='JSON'][callee.property.name='parse']", message: 'Validate parsed JSON with a zod schema instead of casting.' },
      ],
    },
  },
);
