#!/usr/bin/python3
"""Draws the kernelspec logos (logo-32x32.png, logo-64x64.png): two page tables, CPU and GPU, one page mirrored.

Run once by hand when the design changes (needs python3-pil); the PNGs are committed.
"""
from PIL import Image, ImageDraw

def logo(size):
    s = size / 64.0
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.rounded_rectangle([0, 0, size - 1, size - 1], radius=int(10 * s), fill=(24, 54, 96, 255))
    # Two columns of pages: CPU page table (left), device page table (right).
    for col, x in enumerate((10, 38)):
        for row in range(4):
            y = 10 + row * 12
            mirrored = row == 1
            fill = (240, 160, 40, 255) if mirrored else (220, 230, 245, 255)
            d.rectangle([x * s, y * s, (x + 16) * s - 1, (y + 9) * s - 1], fill=fill)
    # The mirror: an arrow from the CPU's page to the device's.
    y = (10 + 12 + 4.5) * s
    d.line([(27 * s, y), (37 * s, y)], fill=(240, 160, 40, 255), width=max(1, int(2 * s)))
    d.polygon([(37 * s, y - 3 * s), (37 * s, y + 3 * s), (40 * s, y)], fill=(240, 160, 40, 255))
    return im

for n in (32, 64):
    logo(n).save(f"logo-{n}x{n}.png")
