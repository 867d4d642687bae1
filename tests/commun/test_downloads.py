"""commun.downloads: one Content-Disposition for every download, which keeps every word of the name."""

from commun.downloads import content_disposition, download_name


def test_a_path_separator_reads_a_dash_and_nothing_is_empty():
    assert download_name("Attestation CAF 01/2026.pdf") == "Attestation CAF 01-2026.pdf"
    assert download_name("a \\ b\n.pdf") == "a-b.pdf"
    assert download_name(' "/" ') == "-" and download_name("") == "document"


def test_the_header_is_rfc_6266_plain_or_utf_8():
    assert content_disposition("facture-2026-0001.pdf") == 'attachment; filename="facture-2026-0001.pdf"'
    assert content_disposition("planning.ics", inline=True) == 'inline; filename="planning.ics"'
    assert content_disposition("Reçu 01/2026.pdf") == "attachment; filename*=utf-8''Re%C3%A7u%2001-2026.pdf"
