import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build-test/', 'node_modules/', 'bench-results/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'winston', message: 'winston is used only in src/shared/log.ts' },
        ],
      }],
    },
  },
  { files: ['src/shared/log.ts'], rules: { 'no-restricted-imports': 'off' } },
);
