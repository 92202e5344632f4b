print("bankgate")
