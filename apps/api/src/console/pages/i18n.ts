import type { FastifyRequest } from 'fastify';
import { readCookie } from '../cookies';

/** The console's languages: Traditional Chinese (Taiwan) by default, English on request. */
export type Lang = 'zh-TW' | 'en';
export const LANG_COOKIE = 'tixclear_console_lang';

const zh = {
  title: 'tixclear 營運與財務主控台',
  nav_day: '每日總覽',
  nav_exceptions: '例外處理',
  nav_audit: '稽核紀錄',
  sign_out: '登出',
  sign_in: '登入',
  name: '帳號',
  password: '密碼',
  sign_in_failed: '登入失敗',
  signed_in_as: '登入身分',
  day: '營業日',
  show: '顯示',
  vouchers_cleared: '已清分票券',
  gross: '總面額',
  fee_escrow: '履約保證費',
  fee_gateway: '金流手續費',
  fee_issuance: '發行費',
  share_headquarters: '總部分潤',
  share_sales: '銷售點分潤',
  share_reimbursement: '核銷點撥付',
  chart_title: '近 90 日總面額',
  no_clearings: '當日尚無清分資料',
  exceptions_title: '例外佇列',
  kind: '類型',
  reference: '參照',
  partner: '特約商',
  created: '建立時間',
  actions: '處理',
  none_open: '目前沒有待處理的例外',
  reclear: '重新清分',
  settle_outside: '於清分外結清',
  note: '備註',
  confirm: '確認',
  cancel: '取消',
  result_ok: '已完成',
  result_failed: '失敗',
  audit_title: '稽核紀錄',
  at: '時間',
  actor: '操作者',
  action: '動作',
  target: '對象',
  outcome: '結果',
  older: '較早',
  language: 'English',
};
const en: typeof zh = {
  title: 'tixclear operations and finance console',
  nav_day: 'Day',
  nav_exceptions: 'Exceptions',
  nav_audit: 'Audit trail',
  sign_out: 'Sign out',
  sign_in: 'Sign in',
  name: 'Name',
  password: 'Password',
  sign_in_failed: 'Sign-in failed',
  signed_in_as: 'Signed in as',
  day: 'Business day',
  show: 'Show',
  vouchers_cleared: 'Vouchers cleared',
  gross: 'Gross value',
  fee_escrow: 'Escrow fee',
  fee_gateway: 'Gateway fee',
  fee_issuance: 'Issuance fee',
  share_headquarters: 'Headquarters share',
  share_sales: 'Sales share',
  share_reimbursement: 'Redemption share',
  chart_title: 'Gross value, last 90 days',
  no_clearings: 'Nothing cleared for this day yet',
  exceptions_title: 'Exception queue',
  kind: 'Kind',
  reference: 'Reference',
  partner: 'Partner',
  created: 'Created',
  actions: 'Actions',
  none_open: 'No open exceptions',
  reclear: 'Re-clear',
  settle_outside: 'Settle outside',
  note: 'Note',
  confirm: 'Confirm',
  cancel: 'Cancel',
  result_ok: 'Done',
  result_failed: 'Failed',
  audit_title: 'Audit trail',
  at: 'Time',
  actor: 'Actor',
  action: 'Action',
  target: 'Target',
  outcome: 'Outcome',
  older: 'Older',
  language: '中文',
};

export type Dictionary = typeof zh;
export const dictionaries: { readonly [L in Lang]: Dictionary } = { 'zh-TW': zh, en };

/** `?lang=en|zh-TW` first (the switch sets the cookie), then the cookie, else zh-TW. */
export function requestLang(request: FastifyRequest): Lang {
  const asked = (request.query as Record<string, unknown> | undefined)?.lang;
  if (asked === 'en' || asked === 'zh-TW') return asked;
  return readCookie(request, LANG_COOKIE) === 'en' ? 'en' : 'zh-TW';
}
