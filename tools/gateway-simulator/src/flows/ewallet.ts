import { echoOf, executed } from '../answers';
import type { Merchant } from '../merchants';
import { pfnCode } from '../pfn';
import type { EwalletBinding } from '../state/types';
import type { RequestFor } from '../validation';
import { changed, type FlowResult, type Services } from './context';

/*
 * api/ewalletbind (seed 001 MYPAY電子錢包綁定): answers `B200` with the URL of a binding page
 * (`/ewallet/<uid>.html`) where the buyer enters a card; binding it reports 『電子錢包虛擬卡號回傳資訊』 (pfn,
 * cardno, user_id, cellphone, virtual_pan, enable 1) to the merchant. The page (or the control API) binds or
 * fails it; a failed binding reports nothing (the seed defines no failure report).
 */

export function ewalletBind(
  services: Services,
  merchant: Merchant,
  request: RequestFor<'ewalletbind'>,
): FlowResult {
  const binding: EwalletBinding = {
    merchantUid: merchant.uid,
    uid: services.ids().uid(),
    userId: request.user_id,
    pfn: pfnCode(request.pfn ?? '') ?? 'CREDITCARD',
    cellphoneCode: request.user_cellphone_code ?? '',
    cellphone: request.user_cellphone ?? '',
    echo: echoOf(request),
    createdAt: services.clock.now(),
    status: 'open',
    virtualPan: '',
    cardno: '',
  };
  services.state.bindings.set(binding.uid, binding);
  return changed({ ...executed(), url: `${services.publicUrl()}/ewallet/${binding.uid}.html` });
}

/** The buyer's card on the binding page: `bind` or `fail`. Only an open binding moves. */
export function settleBinding(
  services: Services,
  binding: EwalletBinding,
  action: 'bind' | 'fail',
): { moved: boolean } {
  if (binding.status !== 'open') return { moved: false };
  if (action === 'fail') {
    binding.status = 'failed';
    return { moved: true };
  }
  binding.status = 'bound';
  binding.cardno = '493817******0003';
  binding.virtualPan = `VP${services.ids().key(32).slice(0, 14).toUpperCase()}`;
  const merchant = services.merchants.find('store', binding.merchantUid);
  if (merchant !== undefined) {
    services.report(merchant, 'ewalletbind', {
      pfn: binding.pfn,
      cardno: binding.cardno,
      user_id: binding.userId,
      cellphone_code: binding.cellphoneCode,
      cellphone: binding.cellphone,
      virtual_pan: binding.virtualPan,
      enable: '1',
    });
  }
  return { moved: true };
}
