/**
 * Which connection started the card read and each open cash session. Card reads and bill
 * events go only to that connection, and while any is open the device is taking a payment
 * (an update must not restart the app then).
 */
export function createPaymentOwners() {
  let cardOwner: string | null = null;
  const cashOwners = new Map<string, string>();
  return {
    startCard(connectionId: string): void {
      cardOwner = connectionId;
    },
    /** The reader is switched off, whoever asked: nobody is waiting for a swipe any more. */
    endCard(): void {
      cardOwner = null;
    },
    cardOwner: (): string | null => cardOwner,
    startCash(cashSessionId: string, connectionId: string): void {
      cashOwners.set(cashSessionId, connectionId);
    },
    endCash(cashSessionId: string): void {
      cashOwners.delete(cashSessionId);
    },
    cashOwner: (cashSessionId: string): string | undefined => cashOwners.get(cashSessionId),
    /** What a closing connection still holds: its card read and its open cash sessions. */
    heldBy(connectionId: string): { card: boolean; cashSessionIds: string[] } {
      return {
        card: cardOwner === connectionId,
        cashSessionIds: [...cashOwners].filter(([, id]) => id === connectionId).map(([s]) => s),
      };
    },
    inProgress: (): boolean => cardOwner !== null || cashOwners.size > 0,
  };
}

export type PaymentOwners = ReturnType<typeof createPaymentOwners>;
