"""Writes the ZIP fixtures of BankGateArchiveTests with Python's zipfile (run once; the outputs are committed).

    python3 make-fixtures.py
"""
import zipfile

CAMT = b'<?xml version="1.0" encoding="UTF-8"?>\n<Document>' + b"<Ntry>deflate me</Ntry>" * 40 + b"</Document>\n"
MT940 = b":20:STMT-1\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n:60F:C240301EUR100,00\r\n:62F:C240301EUR100,00\r\n-\r\n"

# Two members, the first deflated and in a folder, the second stored; a folder entry between them.
with zipfile.ZipFile("python-two-members.zip", "w") as archive:
    archive.writestr(zipfile.ZipInfo("statements/"), b"")
    archive.writestr("statements/day1.xml", CAMT, compress_type=zipfile.ZIP_DEFLATED)
    archive.writestr("day2.sta", MT940, compress_type=zipfile.ZIP_STORED)
