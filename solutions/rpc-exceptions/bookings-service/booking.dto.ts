import { IsInt, IsNotEmpty, IsString, Max, MaxLength, Min } from 'class-validator';

/** The payload of { cmd: 'booking.create' }. */
export class CreateBookingDto {
  @IsString()
  @IsNotEmpty()
  roomId!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  guest!: string;

  @IsInt()
  @Min(1)
  @Max(14)
  nights!: number;
}

/** The payload of { cmd: 'booking.get' }. */
export class GetBookingDto {
  @IsString()
  @IsNotEmpty()
  id!: string;
}
