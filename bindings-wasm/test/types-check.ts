// Compiled (not run) by types.test.mjs: the declarations give typed, camelCase results.
import * as cie from "../js/index.js";
import type { ErrorCode, OrderCheck, NameConsistency } from "../js/index.js";
import { ready, CieInserimentoMandato } from "../js/components.js";

const code: ErrorCode = "QUARTER_EXISTS";
cie.errorMessage(code);
cie.errorMessage("FISCAL_CODE_NAME_MISMATCH");
// @ts-expect-error: not a code of the catalogue
cie.errorMessage("NOT_A_CODE");
const check: OrderCheck = cie.checkOrderForm("1", "10/04/2024", "33,58", "", "", "2024-04-20");
const message: string = check.findings[0].messageIt;
const topUp: string | null = check.topUp;
// @ts-expect-error: results are camelCase
check.top_up;
const r = cie.allocateAndReconcile([], [], undefined, undefined, "2024-01-01");
const next: string | null = r.reconciliation.nextToTransmit;
const paid: number = r.allocation.quarters["2024-Q1"].cardsPaid;
const names: NameConsistency = cie.fiscalCodeMatchesName("RSSMRA80A01H501U", "Rossi", "Mario");
const warning: string | undefined = names.warning?.messageEn;
const element: CieInserimentoMandato | null = document.querySelector("cie-inserimento-mandato");
const valid: boolean | undefined = element?.checkValidity();
await ready;
export { message, topUp, next, paid, warning, valid };
