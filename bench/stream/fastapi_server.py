"""The seed's own stack for comparison: FastAPI's FileResponse serving one file, as seed 000's
GET /stream/{filename} does. Debian packages python3-fastapi (0.92) and python3-uvicorn (0.17)."""
import argparse
import os

import uvicorn
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--port", type=int, required=True)
args = parser.parse_args()

app = FastAPI()


@app.get("/stream/{filename}")
async def stream(filename: str):
    path = os.path.join(args.dir, os.path.basename(filename))
    if not os.path.isfile(path):
        raise HTTPException(status_code=404, detail="File not found")
    return FileResponse(path, media_type="video/mp4")


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)
