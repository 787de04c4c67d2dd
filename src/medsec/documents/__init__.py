"""Documents generated from the records (seed 5.4-5.6): design, risk, test, TPLC plan, labeling,
customer security documentation and the submission set, in English and Japanese, as HTML or PDF,
each stored as an immutable revision."""
