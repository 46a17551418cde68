export { csvLine, toCsv, UTF8_BOM } from './csv';
export { ExportError, ExportErrorCode } from './errors';
export {
  DEFAULT_EXPORT_ROOT,
  directoryName,
  ExportWriter,
  XLSX_NAME,
  type ExportResult,
  type ExportWriterOptions,
  type Period,
} from './export-writer';
export { MANIFEST_FORMAT, MANIFEST_NAME, type Manifest } from './manifest';
