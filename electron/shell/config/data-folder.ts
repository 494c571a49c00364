/**
 * What facility IT reads when the data folder cannot be made or written at start (the default
 * /var/lib/homeline belongs to root until someone hands it to the kiosk user): the folder, the
 * operating system's reason, and the one command that fixes it. docs/install.md, step 2.
 */
export function dataFolderProblem(dataDir: string, error: unknown): string {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return (
    `The data folder ${dataDir} cannot be made or written (${reason}).\n` +
    `As an administrator, create it for the user the app runs as, e.g.\n` +
    `  sudo install -d -m 0700 -o kiosk -g kiosk ${dataDir}\n` +
    `(Windows: give that user Modify rights on it), or set dataDir / HOMELINE_DATA_DIR ` +
    `to a folder that user owns.`
  );
}
