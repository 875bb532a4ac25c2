// 脱敏: which profile an item gets (rule R-MASK). Pure functions. What each profile does to a value
// is @yrd/masking, applied by the provider's exchange service before data leaves.
import type { MaskProfile } from '@yrd/masking';
import type { DataItemPolicyView, RequesterKind } from './types.js';

/**
 * The masking profile of an item for a requester (rule R-MASK). The province of the requester
 * plays no part: a same-province requester gets sensitive items masked too.
 */
export function maskProfileFor(item: DataItemPolicyView, requesterKind: RequesterKind): MaskProfile {
  const personal = item.personalInfo || item.sensitivePersonalInfo;
  switch (item.piiKind) {
    case 'id_number':
      // An ID number is personal whatever the item's flags say.
      return 'id_number';
    case 'name':
    case 'phone':
    case 'address':
      // A company's address or a hotline is not personal information; a person's is.
      return personal ? item.piiKind : 'none';
    case 'credit_code':
      // A company's 统一社会信用代码 is public to government; other requesters see it masked, and
      // one flagged as sensitive (e.g. an individual business's) is masked for everyone.
      if (item.sensitivePersonalInfo) return 'credit_code';
      return requesterKind === 'government' ? 'none' : 'credit_code';
    case 'none':
      // Sensitive but of no known shape: nothing of it can be shown safely.
      return item.sensitivePersonalInfo ? 'redact' : 'none';
    default:
      return assertNever(item.piiKind);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
