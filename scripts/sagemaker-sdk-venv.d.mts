// Types for scripts/sagemaker-sdk-venv.mjs (plain ESM, imported by test/sagemaker/sdkReadBack.test.ts).

export declare const SAGEMAKER_SDK_VERSION: string;
export declare const SAGEMAKER_SDK_REQUIREMENTS: readonly string[];
/** Environment additions for running the SDK's python (no "SDK v2 is deprecated" banner). */
export declare const SAGEMAKER_SDK_ENV: Readonly<Record<string, string>>;

/** Creates (once) the cached virtual environment with the SageMaker SDK; returns its python. */
export declare function ensureSagemakerSdkVenv(options?: { cacheDir?: string; python?: string; log?: (message: string) => void }): Promise<string>;
