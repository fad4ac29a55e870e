print("ocop-bench")
