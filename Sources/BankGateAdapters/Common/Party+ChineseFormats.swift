import BankGateCore

extension Party {
    /// The creditor's bank as Chinese formats write it in one field (CMB `CRTBNK`, BOC `tobknm`,
    /// CCB `RECV_OPENACC_DEPT`, ICBC `RecBankName`, ABC `CrBankName`):
    /// the bank's name followed by its branch (中国工商银行 + 上海市分行营业部), or the branch
    /// alone when it already names the bank; `nil` when neither is known.
    var bankAndBranchText: String? {
        switch (bankName, bankBranch) {
        case (let name?, let branch?): branch.hasPrefix(name) ? branch : name + branch
        case (let name?, nil): name
        case (nil, let branch?): branch
        case (nil, nil): nil
        }
    }
}

extension PostalAddress {
    /// The address as one line (CMB `CRTADR`, BOC `toaddr`): its lines, else town and street,
    /// without separators (as Chinese addresses are written); a foreign country is appended.
    var singleLineText: String {
        var parts = lines
        if parts.isEmpty { parts = [town, street].compactMap { $0 } }
        if country != "CN" { parts.append(country) }
        return parts.joined(separator: country == "CN" ? "" : ", ")
    }
}
