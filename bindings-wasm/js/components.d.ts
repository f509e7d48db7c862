/** The form-associated custom elements (importing the module defines them). */
export * from "./index.js";
/** Resolves when the validation rules (WebAssembly) are loaded; rejects when they cannot be (e.g. a CSP without 'wasm-unsafe-eval'). */
export declare const ready: Promise<void>;
/** Common to every component: the native constraint-validation API, as on <input>. */
export declare class CieFormElement extends HTMLElement {
  static formAssociated: true;
  readonly form: HTMLFormElement | null;
  readonly name: string | null;
  readonly validity: ValidityState;
  readonly validationMessage: string;
  readonly willValidate: boolean;
  checkValidity(): boolean;
  reportValidity(): boolean;
}
/** `<cie-codice-fiscale name required label hint value>`: submits the normalised code. */
export declare class CieCodiceFiscale extends CieFormElement { value: string }
/** `<cie-importo>`: the portal's strict amount text ("1234,56"); submits machine text "1234.56". */
export declare class CieImporto extends CieFormElement { value: string }
/** `<cie-data>`: a date "gg/mm/aaaa"; submits ISO "2024-03-31". */
export declare class CieData extends CieFormElement { value: string }
/** `<cie-cambia-password>`: submits password_attuale, nuova_password, conferma_password. */
export declare class CieCambiaPassword extends CieFormElement {}
/** `<cie-inserimento-mandato today="2024-04-20">`: submits numero, data, importo, dal, al (ISO dates, machine amount). */
export declare class CieInserimentoMandato extends CieFormElement {}
/** `<cie-aggiungi-utente>`: submits cognome, nome, codice_fiscale, email, profilo. */
export declare class CieAggiungiUtente extends CieFormElement {}
