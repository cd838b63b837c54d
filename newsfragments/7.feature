Prepaid cards and cost accounting (GetListPP, GetPPCardDetails, GetPPCardTransactions, GetPPCardTransactionsAsByteArray; card add|list, account set) and SendWordMailMerge.
