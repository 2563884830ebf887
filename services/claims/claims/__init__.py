"""Claims (结算数据服务): what institutions upload, and what they read back."""
