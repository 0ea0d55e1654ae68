/**
 * Real images made by ffmpeg (`testsrc=size=37x21`, one frame; odd dimensions on purpose), embedded so
 * workerd tests need no file system.
 */
const bytes = (base64: string) => Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));

export const IMAGE_WIDTH = 37;
export const IMAGE_HEIGHT = 21;
export const PNG = bytes("iVBORw0KGgoAAAANSUhEUgAAACUAAAAVCAIAAABOhrD5AAAACXBIWXMAAAABAAAAAQBPJcTWAAAA0klEQVR4nO3U32kCQRCA8c8axBpEW1CsIWgLCalBYguKNQRtIcEaRFswpIaQPH7huMPbXeH8c3mQcMu8HDO7v+F2WIiXaXiMJGOYO0mGES4qvOTMy71873VeUXqrF5LnvbK0hlc2fV9e9OvrecUQ3JGXjnJtz1hsvMZrvMDLvns4xhdc4Q6/+ZB3WciTDKWdFXVwhM+4xA1+8iVbeZWpPEjXFvZxgjNc4x5/sk4O8iZzeZTBv/fS66N49P7k/opDqt/rqLSGVzZ9iZdvuNmLhjxYv+0tbrWEMHA4AAAAAElFTkSuQmCC");
export const JPEG = bytes("/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgEBAQEBAUFBQUFBQYGBgYGBgYGBgYGBgYHBwcICAgHBwcGBgcHCAgICAkJCQgICAgJCQoKCgwMCwsODg4RERT/xACZAAEBAAMBAQAAAAAAAAAAAAAFBgcIAgEEAQACAwEBAAAAAAAAAAAAAAAGBQcEAwACEAACAgEDAgQCCQUBAAAAAAACAQMEBQYSEQAHMRMUIbQIs3R1dhU2NyI1JCNBUXEzEQABAwMCAwIKCgMBAAAAAAACAQMEBQYREgAHExQhMXM3dkEVNLIiIwh1dLSzFlE1NrUyYbZxUv/AABEIABUAJQMBEgACEgADEgD/2gAMAwEAAhEDEQA/AMVdm8LJn9YjRHcoyqyHYMef7cATQOQtyA0La/ZGyHb5hCn49Ufy34DO19ZX7M2KyUMB4SzGE0lOwERG7lIkAyFGhZMRIkKfPAt/46zepJ1p6HDTUgFJEnzHPw2RA1Ms6DQVVPdBSTTrIUXv3vR7kt2nzXFmVilRE5JDmROjMpnWHZ8R0e3/ABu5TuIEXhlTLkuN1WSks0V9ilx3VBUl1J+TFCK1yikRjdbE/jygZcR5IrTxgiqOxHjPa9yu21FZbolXNwKky4bYwJRGIJGkopkKNZQUVURVVMZVNrd06VXHVMtVqxDBBCNAY4x8Ev6Z+L5bbfLIibIibbbb6+3uxiMtbeXGvj7s5Sei8sYq00jPb6fdtQA2W3h88eHD6k3h/FjwWKZGjNiy00MgQAe5E+N+faqqvaRKqqSqqqudr7KvqyNUEfxPb2U5+U9LQMpnm4ynUefKY/7s+tqv1m6flxZrVamvVGoTnZj0mS8qa3C/E7woiCKCDbbYILbTTYi202Ig2IiKJtRZlwUGj/LdTqNUqtTKfVA6nXTZcyPGnjm43nk1RXnAfTLKo4mQ/ouru3T/ACtfp/k/vDb+Ax/Xny7yBpfQeRizxDhJDzlqYAybVAyidKiKkEbXltgyEhRL25Frn26h/wCdXxp0byVg/wApVd2vmyodbvHiRSJltUyoXDFG2obBSaPEfqbAvDUakatK7CbdBHEAwJQVdSCQrjCpvrc9Rc8OXsBulbdy24UY2krNKVznEuhJ0ZTxoDt083Oy83qK1pzJYixGZenMpxuQpblLDzBzwLIV5oJtxFuXBeze1kmPrXI4/JvHqjbq3WDso1WmjnYN+TwiURFxzw+Of9PpJw5rsihT33gIuQZRxlNImpHWsuZwKkKcwUVVbLKYXsVdKqi70KxL4iJJWRa9xMIXKxzaTPbz/fu1x0z37S8DeFVG4r2jxFpkphlKpGaoz1CnkSsnBnK3VdCG8DLx9HIMWwmtctxDbRCEea22Ql/ydMP0r8Z+kGnIPU+gum6oCj9RyvSXM5PNQeZo1hr0Z06hz3pvYnASRzYLFSxGMkZ0KZgYEiAxKAGJCS5TTXumvZroLRWstIUtG6arWtRYKtPDhcXFNDNk6UUsUgU4hOOQDmRCYEmiEkmmuH0XS3AdlPuNkJgbrhAYqhCQkSqhCqdioqdqKnYu8GWXocaM1JbOO4jLaKDwq0aKgIioomiKip5+zaa3okqBQKTElsPRZManw2JEd9s2X2HmmABxp1pxBNtxs0UTAkQhJFRUzspuW3Lhk3JWnmKPVHmnKlOcbcbhSTbcApDiiYELSiQki5FUXCp3b1m7Zd1ddUMoUMWTEoI65SeSdOkwLbLEtpEq4y8MSIXtMXw/Zp+/U92//mZ/qUn00PSG5bTtw2Wn3aeLxdQGoSkSxExwRKJcuQCoi47VFRL8lTbG5PUW/Dj7B7Z2c9N4iVSpU6uzHnAOlSibeYCMw/GeV1hsZDWmOrSuNI4RALzTrKljW2Sdm+4K/umZ9FP/AGqLvK2vtbZ+OlYyFOz6UnXxtiIfKrzeT6qOsZjzJBwf/oS5If8AiXRGvPy6f2dg/h6XRrw74O8Mp0WkTVt7QUpjnqPpKqlp1ARoOetFF09iZ0pnHdsl4V/olufUQ+4LYxK4TWo5wvqFRrMb0vXKdVazTHKvzZkLquguiTTEe6KNM6VrXHaRNCCWn/0pe9snqnirunyquz/e5+7nsnBF3J0Res6qH8UlizFipGfLqbYBqU5EHFF1xfByG9zTL38eEuu/la/T/J/eG38Bj+op+Y69Lm4SX7S6RZU/0LBct+JNNjp4s7Mg59QaJzmVJiU6mW2Wx0oej3comVXav51fGnRvJWD/AClV3HVs8O7OBo5I0zDqOqKF1c3uQRVOxZOnvVfNt1bnqLnhy9gNiY/QOnhz1KKrCVSLyrduwIyzyOx5UlYRj3TSm40ylbJh77eUuG003jPzFW+zsh8RQ6f8O+KnEa76q/Hqlwk6zHZB9QGnUptXEQtHL1NQgUUJVTUSZLCKiYVcoh4JfrlT+op9+Gw60+LVx2nw9uyqtozNqI1CgUikyHhbAKSVQjVl9+YjLTQhKcQIIi03Iy0LiiZIQoTZiq+Ky4/Kq0P4u6t22P7N9t7mOpWJ8HvklrQSGX4hlB3EcYkT4G6hXLfgkl1UYX+Gxv1Kr9CHRNWXDm1CQT68xRddEVwg4RDVMe7j8t+Z/r0rw7vtruaLb4rX9Lt+kynqxrekU+E+8fRU4dbjjAGZaRiIKZJVXAoiJ5k2O2n+1aD9FU77K3v/2Q==");
export const GIF = bytes("R0lGODlhJQAVAPcfMQAAACQAAEgAAGwAAJAAALQAANgAAPwAAAAkACQkAEgkAGwkAJAkALQkANgkAPwkAABIACRIAEhIAGxIAJBIALRIANhIAPxIAABsACRsAEhsAGxsAJBsALRsANhsAPxsAACQACSQAEiQAGyQAJCQALSQANiQAPyQAAC0ACS0AEi0AGy0AJC0ALS0ANi0APy0AADYACTYAEjYAGzYAJDYALTYANjYAPzYAAD8ACT8AEj8AGz8AJD8ALT8ANj8APz8AAAAVSQAVUgAVWwAVZAAVbQAVdgAVfwAVQAkVSQkVUgkVWwkVZAkVbQkVdgkVfwkVQBIVSRIVUhIVWxIVZBIVbRIVdhIVfxIVQBsVSRsVUhsVWxsVZBsVbRsVdhsVfxsVQCQVSSQVUiQVWyQVZCQVbSQVdiQVfyQVQC0VSS0VUi0VWy0VZC0VbS0Vdi0Vfy0VQDYVSTYVUjYVWzYVZDYVbTYVdjYVfzYVQD8VST8VUj8VWz8VZD8VbT8Vdj8Vfz8VQAAqiQAqkgAqmwAqpAAqrQAqtgAqvwAqgAkqiQkqkgkqmwkqpAkqrQkqtgkqvwkqgBIqiRIqkhIqmxIqpBIqrRIqthIqvxIqgBsqiRsqkhsqmxsqpBsqrRsqthsqvxsqgCQqiSQqkiQqmyQqpCQqrSQqtiQqvyQqgC0qiS0qki0qmy0qpC0qrS0qti0qvy0qgDYqiTYqkjYqmzYqpDYqrTYqtjYqvzYqgD8qiT8qkj8qmz8qpD8qrT8qtj8qvz8qgAA/yQA/0gA/2wA/5AA/7QA/9gA//wA/wAk/yQk/0gk/2wk/5Ak/7Qk/9gk//wk/wBI/yRI/0hI/2xI/5BI/7RI/9hI//xI/wBs/yRs/0hs/2xs/5Bs/7Rs/9hs//xs/wCQ/ySQ/0iQ/2yQ/5CQ/7SQ/9iQ//yQ/wC0/yS0/0i0/2y0/5C0/7S0/9i0//y0/wDY/yTY/0jY/2zY/5DY/7TY/9jY//zY/wD8/yT8/0j8/2z8/5D8/7T8/9j8//z8/yH/C05FVFNDQVBFMi4wAwEAAAAh+QQEAAAfACwAAAAAJQAVAAAI/wABCBR4oGDBYwiPAVu48IdDhzgi4sBHkeK/i/8GEjSIL6FChsAeQpR4oCI+jBk1cuyYEGRIkRJxFKyIUiOAmRQ9uhT5I+bKmipL5mwJkqdPnEAHCh2KcCdMkhyTEjSps+jTiAZLSgVgkmVTqw+PGtzatSpDo1DHYrRZlujZqzKzkqXqtiHcB3LXamz79W3YtAXnVjRr9y/WvBfZ0u1beGREvGoT71380a/DHIAPoDzw4MKJEzcc9uCxQwdmPHhw4aIIDx04bMiQBRtGrFjCQ4eOFOz84UVoH6N3YMaBWjXr19CQAQsmjBgxYwhzH9Hd+XPoH8F1RCy+Gh88cOCSLyUfNqwY9GO4p9vE6bVy455pLepVipPwS8Nxac7fONM+WqwmoRQQADs=");
export const WEBP_LOSSY = bytes("UklGRmwCAABXRUJQVlA4IGACAACQDgCdASolABUAPpFAmkolo6IhpWswsBIJbACdM0cwN6JxAevveLaESU9I/3T8eP8B7AHOZ9IDzAfwz+G/6b+7exL+qvuA9AD9M/Rm9h30Kf1w9K32Of2s/Zb2frtwAqtwv83DO5JxsK9WCxthIer9wWr/IjNzvUciaDV3oAD+/ErF/NX5DNPSWuK8vPhVq/ZFRy1Cuhf765VtPr0vO6dMft2iWPs9fgcMhya0SQDy80QiYkVBvX197U+P8Kp2HX2/6DlsWjpnx/mL+L78aGERl26E3U1p8g9iMmLT8JRfi92678Q//UjfBr9DvLdfv4tnyacUB+klPPPqHVICId0x8DggWcmL3zjg8m9oCC7mcTpH4AJsv/7KnzxChtRkWOZzqvlAxpHE8GVcQh3yXp+fEjBx4XoF1p9GAv4TOtE6j+XDcPHf67VCE8/ndoMZ9Sr/5Vxo0M+41Q9F08t7d6Y4kfZGscsaThSZj4V2iRuG/+FLyt/XUcs92Q82/m6tlT4sv6x1Nyox1Rbn4rJ3757XlzBCXXlYZB5l7PhqGUSXnf9K4T8Q9SWblmB/7+HX3eM0Eqj5pYOmL8xfw9ledpWej2Vk+NMWL+nGICXcmUpeDRVTeUa5Jv9ANlD4pllDr/r1Etrt0RvdxUYuA51cvzWYMI2L/MuXRxK2CiHYE74lSX1M9nb1Eg3EfVx91Th170hmOkioZWu150U2TlglpF/1f/G+JXjZ1Z+yR6fjt6zNV5ctb7OzPX7YKg4XwX7szamSQv5Cqzcm9yCp7/9tJLejEeisA1/K16GjSx8JKAAAAA==");
export const WEBP_LOSSLESS = bytes("UklGRrAAAABXRUJQVlA4TKQAAAAvJAAFAGCc2LaT083nd/OxG7EbsRuxG3F7zDktWcO2LWQ/hmfxGLKIIYsYsoghixiy6HM5iCRJkcrEqSE1pObuXw2pISPZfwJJG1fhL0FNoSkYI1NqyhozUzK2wuyBtpl90BazF7qA2Q+dzhyBfgMUlalQpUad/PLJK4/ccmaDLXbY3d72b1OnTJ6UEAYWdpy48eKHDx44sWK8k8MTPWfsp95GAA==");

/** A JPEG with `padding` bytes of APP1 metadata (in 65,533-byte segments) between SOI and the frame header. */
export function jpegWithMetadata(padding: number): Uint8Array {
  const segments: number[] = [];
  for (let left = padding; left > 0; ) {
    const n = Math.min(left, 65_533);
    segments.push(0xff, 0xe1, ((n + 2) >> 8) & 0xff, (n + 2) & 0xff, ...new Array<number>(n).fill(0x20));
    left -= n;
  }
  const out = new Uint8Array(JPEG.length + segments.length);
  out.set(JPEG.subarray(0, 2));
  out.set(segments, 2);
  out.set(JPEG.subarray(2), 2 + segments.length);
  return out;
}

/**
 * The start of an MP4 (an `ftyp` box of brand isom, then a `free` box): what the upload guard checks.
 * Nothing in the Worker decodes videos; the HLS task does, later.
 */
export function mp4Bytes(size = 4096): Uint8Array {
  const out = new Uint8Array(size);
  const ascii = (s: string, at: number) => out.set(new TextEncoder().encode(s), at);
  out.set([0, 0, 0, 0x20], 0);
  ascii("ftypisom", 4);
  out.set([0, 0, 2, 0], 12);
  ascii("isomiso2avc1mp41", 16);
  const free = size - 32;
  out.set([(free >>> 24) & 0xff, (free >>> 16) & 0xff, (free >>> 8) & 0xff, free & 0xff], 32);
  ascii("free", 36);
  return out;
}
