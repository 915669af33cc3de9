/**
 * Packages that hostwire's install leaves out (optional peer dependencies): the generator's
 * (`hostwire generate`, `hostwire diff`), the MCP client's, and the addon's compile-from-source
 * tools. A feature that needs one says which to install.
 */

/** A feature needs packages that are not installed. */
export class MissingPackageError extends Error {
  readonly code = 'HOSTWIRE_MISSING_PACKAGE';
  /** The packages to install. */
  readonly packages: readonly string[];
  constructor(feature: string, packages: readonly string[], options?: { cause?: unknown }) {
    super(
      `hostwire: ${feature} needs ${packages.join(', ')}, which hostwire does not install itself: ` +
        `run \`npm install ${packages.join(' ')}\``,
      options,
    );
    this.name = 'MissingPackageError';
    this.packages = packages;
  }
}

/** The generator's packages, for `hostwire generate` and `hostwire diff`. */
export const GENERATOR_PACKAGES = ['ajv', 'handlebars', 'yaml'] as const;

/** Which of `packages` cannot be resolved from here. */
export function missingPackages(packages: readonly string[], resolve: (id: string) => string = require.resolve): string[] {
  return packages.filter((id) => {
    try {
      resolve(id);
      return false;
    } catch {
      return true;
    }
  });
}

/** Throws a MissingPackageError naming those of `packages` that are not installed. */
export function requirePackages(feature: string, packages: readonly string[]): void {
  const missing = missingPackages(packages);
  if (missing.length > 0) throw new MissingPackageError(feature, missing);
}

/** `require(id)`, or a MissingPackageError naming `pkg` when it is not installed. */
export function requireOptional<T>(id: string, feature: string, pkg: string = id): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && missingPackages([pkg]).length > 0) {
      throw new MissingPackageError(feature, [pkg], { cause: e });
    }
    throw e;
  }
}
